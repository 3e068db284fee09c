// digest search: lunr.js over the sharded index of search/index.json (the manifest) and
// search/shards/, names and arXiv ids in search/keys/, results from search/docs/: only
// what a query needs is fetched.
//
// Loaded by the search page only. The core (folding, unpacking the index, querying,
// ranking, filtering, snippets, highlighting) is pure and also runs under Node for the tests:
//   var core = require("./search.js")(require("lunr"));
// Folding mirrors src/digest/searchtext.py, unpacking src/digest/searchindex.py, keys
// src/digest/output/search/keys.py.
(function (global) {
  "use strict";

  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var MAX_PARTS = 6;       // searchtext.MAX_PARTS
  var MAX_EXPANSIONS = 64; // completions kept for the word being typed (most frequent first;
                           // 8 for two letters, 24 for three)
  var PREFIX_POSTINGS = 20000; // documents the completions of a prefix may bring in
  var PREFIX_BOOST = 0.5;  // a completion counts less than the word itself
  var FUZZY_BOOST = 0.3;   // and a close spelling less still
  var SYNTAX = /(^|\s)[+-]\S|[:*~^]/; // lunr query syntax: +required -prohibited field: * ~ ^
  var NAME_PAIRS = 4;      // adjacent word pairs of a query looked up as one person's name
  var SNIPPET = 240;       // characters of abstract or note a result shows, about
  // An arXiv id, bare or in an arxiv.org / Hugging Face paper URL (keys.ID, keys.LINK).
  var NEW_ID = "\\d{4}\\.\\d{4,5}", OLD_ID = "[a-z][a-z-]*(?:\\.[a-z]{2})?/\\d{7}";
  var ARXIV_ID = new RegExp("^(?:arxiv:\\s*)?(" + NEW_ID + "|" + OLD_ID + ")(?:v\\d+)?$", "i");
  var ARXIV_LINK = new RegExp("^https?://(?:www\\.|export\\.)?(?:arxiv\\.org/(?:abs|pdf|html)|" +
    "(?:huggingface|hf)\\.co/papers)/(" + NEW_ID + "|" + OLD_ID + ")(?:v\\d+)?(?:\\.pdf)?/?(?:[?#].*)?$", "i");

  function create(lunr) {
    var EMPTY = Object.freeze({}); // no metadata is indexed; every posting shares it

    // ---- folding: searchtext.fold / searchtext.words --------------------------------

    function fold(text, table) {
      text = text.toLowerCase();
      if (/[^\x00-\x7f]/.test(text)) {
        text = text.replace(/[^\x00-\x7f]+/g, function (run) {
          return run.normalize("NFKD").replace(/\p{M}/gu, "").replace(/[^\x00-\x7f]/g,
            function (c) { return Object.prototype.hasOwnProperty.call(table, c) ? table[c] : c; });
        });
      }
      return text.replace(/'/g, "");
    }

    function joins(parts) {
      var out = [];
      if (parts.length > MAX_PARTS) return out;
      for (var i = 0; i + 1 < parts.length; i++) out.push(parts[i] + parts[i + 1]);
      if (parts.length > 2) out.push(parts.join(""));
      return out;
    }

    /** The words searchtext.words indexes for `text` (for the parity tests). */
    function words(text, table) {
      var folded = fold(text, table);
      var out = folded.match(/[a-z0-9]{2,}/g) || [];
      if (folded.indexOf("-") >= 0) {
        // searchtext's (?<![a-z0-9]) as a consumed character: older Safari has no lookbehind.
        var re = /(^|[^a-z0-9])([a-z0-9]+(?:-[a-z0-9]+)+)/g, m;
        while ((m = re.exec(folded)) !== null) out = out.concat(joins(m[2].split("-")));
      }
      return out;
    }

    // ---- the packed, sharded index: searchindex.pack ------------------------------------

    var DIGITS = new Int8Array(128).fill(-1);
    for (var i = 0; i < B64.length; i++) DIGITS[B64.charCodeAt(i)] = i;

    /** Every base64 VLQ number of `text`, in order (searchindex._vlq). */
    function decode(text) {
      var out = new Float64Array(text.length), n = 0, value = 0, scale = 1;
      for (var at = 0; at < text.length; at++) {
        var code = text.charCodeAt(at), digit = code < 128 ? DIGITS[code] : -1;
        if (digit < 0) throw new Error("corrupt search index");
        value += (digit & 31) * scale;
        if (digit & 32) { scale *= 32; } else { out[n++] = value; value = 0; scale = 1; }
      }
      return out.subarray(0, n);
    }

    /** Python's round(x, 3): to nearest, ties to even (lunr.py rounds scores so). */
    function round3(x) {
      var y = x * 1000, r = Math.round(y);
      if (Math.abs(Math.abs(y - Math.floor(y)) - 0.5) > 1e-6) return r / 1000;
      // Near a tie, x * 1000 is not exact: round the exact binary value as Python does.
      var m = x * 2000;
      if (Number.isInteger(m) && m % 2 !== 0) {
        var k = (m - 1) / 2;
        return (k % 2 === 0 ? k : k + 1) / 1000;
      }
      return Number(x.toFixed(3));
    }

    /**
     * What every query shares: the terms with their numbers and document frequencies,
     * the shard of each term, and the field lengths BM25 needs.
     */
    function catalog(manifest) {
      if (manifest.format !== "digest-lunr-shards/2") throw new Error("unknown index format " + manifest.format);
      // `count` numbers the documents; `papers` of them are papers, the others are the
      // empty numbers that end a month's block (they have no postings and no length)
      var terms = manifest.terms ? manifest.terms.split(" ") : [], count = manifest.count;
      var papers = manifest.papers;
      var numbers = new Map(), shardOf = new Uint32Array(terms.length), firsts = [];
      terms.forEach(function (term, t) { numbers.set(term, t); });
      var t = 0;
      decode(manifest.shards).forEach(function (size, s) {
        firsts.push(t);
        for (var end = t + size; t < end; t++) shardOf[t] = s;
      });
      var lengths = [], average = [];
      manifest.fields.forEach(function (field, f) {
        var column = decode(manifest.lengths[f]), total = 0;
        for (var d = 0; d < count; d++) total += column[d];
        lengths.push(column);
        average.push(total / papers);
      });
      return { manifest: manifest, terms: terms, numbers: numbers, df: decode(manifest.df),
               shardOf: shardOf, firsts: firsts, lengths: lengths, average: average,
               years: manifest.years ? manifest.years.split(" ") : [],
               docYears: decode(manifest.doc_years || "") };
    }

    // ---- keys: output/search/keys.py ----------------------------------------------------

    var CRC = new Int32Array(256);
    for (var c = 0; c < 256; c++) {
      var r = c;
      for (var k = 0; k < 8; k++) r = r & 1 ? 0xEDB88320 ^ (r >>> 1) : r >>> 1;
      CRC[c] = r;
    }

    /** The keys file of an ASCII key: zlib.crc32 of it modulo the number of files. */
    function bucket(key, files) {
      var crc = -1;
      for (var i = 0; i < key.length; i++) crc = CRC[(crc ^ key.charCodeAt(i)) & 255] ^ (crc >>> 8);
      return ((crc ^ -1) >>> 0) % files;
    }

    /** The arXiv id (no version, lower-case) a piece of a query is or links to, or null. */
    function arxivId(text) {
      var m = ARXIV_ID.exec(text) || ARXIV_LINK.exec(text);
      return m ? m[1].toLowerCase() : null;
    }

    /** The key of two words of one name, as keys._pair makes it. */
    function pairKey(a, b) { return a <= b ? a + " " + b : b + " " + a; }

    /**
     * The lunr serialized index of the terms of `shards` ({number: shard}), with the BM25
     * weights lunr.py's Builder._create_field_vectors computes (same formula, same order
     * of operations). lunr.js scores a document by its weights for the query's terms
     * alone, so the index of the shards holding those terms ranks as the whole index.
     * With `every`, each document has its field vectors, empty or not (as lunr.py
     * serializes them, and as a query of only prohibited terms needs); with `only` (a
     * Set of term numbers), the other terms of these shards are left out.
     */
    function unpack(cat, shards, every, only) {
      var m = cat.manifest, fields = m.fields, count = m.count, papers = m.papers, k1 = m.k1, b = m.b;
      var vectors = fields.map(function () { return new Map(); });
      var invertedIndex = [];
      var Posting = function (t, codes, starts) {
        this._index = t;
        Object.defineProperty(this, "codes", { value: codes });
        Object.defineProperty(this, "starts", { value: starts });
      };
      // The documents of a term (lunr's posting) are made on first use: few are looked up.
      fields.forEach(function (name, f) {
        Object.defineProperty(Posting.prototype, name, { enumerable: true, get: function () {
          var numbers = this.codes[f], at = this.starts[f], n = numbers[at++], refs = {};
          for (var i = 0, doc = -1; i < n; i++) {
            var code = numbers[at++];
            doc += (code - code % 2) / 2 + 1;
            if (code % 2) at++;
            refs[doc] = EMPTY;
          }
          Object.defineProperty(this, name, { value: refs, enumerable: true });
          return refs;
        } });
      });
      Object.keys(shards).map(Number).sort(function (x, y) { return x - y; }).forEach(function (s) {
        var codes = shards[s].postings.map(decode), at = fields.map(function () { return 0; });
        var first = cat.firsts[s], end = s + 1 < cat.firsts.length ? cat.firsts[s + 1] : cat.terms.length;
        for (var t = first; t < end; t++) {
          if (only && !only.has(t)) { // skip the term's postings
            for (var g = 0; g < fields.length; g++) {
              var skip = codes[g], j = at[g], left = skip[j++];
              for (; left > 0; left--) { if (skip[j++] % 2) j++; }
              at[g] = j;
            }
            continue;
          }
          var df = cat.df[t], idf = Math.log(1 + Math.abs((papers - df + 0.5) / (df + 0.5)));
          var starts = new Array(fields.length);
          for (var f = 0; f < fields.length; f++) {
            var numbers = codes[f], i0 = at[f], n = numbers[i0], k = i0 + 1, doc = -1;
            var boost = m.boosts[f], length = cat.lengths[f], avg = cat.average[f], vector = vectors[f];
            starts[f] = i0;
            for (var i = 0; i < n; i++) {
              var code = numbers[k++], tf = 1;
              doc += (code - code % 2) / 2 + 1;
              if (code % 2) tf = numbers[k++] + 2;
              var score = idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (length[doc] / avg)) + tf);
              score *= boost;
              var elements = vector.get(doc);
              if (elements === undefined) vector.set(doc, elements = []);
              elements.push(t, round3(score));
            }
            at[f] = k;
          }
          invertedIndex.push([cat.terms[t], new Posting(t, codes, starts)]);
        }
      });
      var fieldVectors = [];
      for (var d = 0; d < count; d++) {
        if (m.doc_topics[d] === null) continue; // an empty number: no document
        for (var f = 0; f < fields.length; f++) {
          var elements = vectors[f].get(d);
          if (elements !== undefined || every) fieldVectors.push([fields[f] + "/" + d, elements || []]);
        }
      }
      return { version: m.version, fields: fields, fieldVectors: fieldVectors,
               invertedIndex: invertedIndex, pipeline: m.pipeline };
    }

    /**
     * What lunr's Index.query asks of a pipeline, for syntax queries: a clause's word as the
     * names fields hold it (as written) and as the other fields do (its stem), those of
     * the two the index knows (lunr finds nothing for a required clause when one of its
     * terms is unknown).
     */
    function namesPipeline(verbatim, stem, known) {
      var names = new Set(verbatim);
      return { runString: function (word, metadata) {
        var fields = (metadata && metadata.fields) || [];
        var some = fields.some(function (f) { return names.has(f); });
        if (some && fields.every(function (f) { return names.has(f); })) return [word];
        var stemmed = stem(word);
        if (!some || stemmed === word) return [stemmed];
        var both = [stemmed, word].filter(known);
        return both.length ? both : [stemmed];
      } };
    }

    // ---- querying --------------------------------------------------------------------

    /**
     * An engine over the manifest: search(query) resolves to ranked results
     * [{ref, score, terms, people}] and how they were found, after fetching the shards the
     * query's terms live in (and the keys files of the names and arXiv ids it holds);
     * arrange(results, options) filters them by topic and year and orders them;
     * documents(refs) fetches what results show; snippet(ref, terms) picks what to quote.
     * `load(kind, n)` fetches shard, keys file or docs chunk n ("shards" / "keys" / "docs")
     * as a promise.
     */
    function engine(manifest, load) {
      var cat = catalog(manifest), table = manifest.fold || {}, count = manifest.papers;
      var pipeline = lunr.Pipeline.load(manifest.pipeline);
      var verbatim = manifest.verbatim || [];
      var others = manifest.fields.filter(function (f) { return verbatim.indexOf(f) < 0; });
      var stems = new Map(), everyTerm = null;
      var fetched = { shards: new Map(), docs: new Map(), keys: new Map(), dates: new Map() };
      var chunks = new Map(), indexes = new Map();
      var names = namesPipeline(verbatim, stem, known);
      var topicNumbers = {};
      manifest.topics.forEach(function (t, n) { topicNumbers[t[0]] = n; });

      function stem(word) {
        if (!stems.has(word)) stems.set(word, pipeline.runString(word)[0] || "");
        return stems.get(word);
      }
      function known(term) { return term !== "" && cat.numbers.has(term); }
      function df(term) { return cat.df[cat.numbers.get(term)]; } // as lunr's idf counts
      function allTerms() {
        if (everyTerm === null) {
          var builder = new lunr.TokenSet.Builder();
          cat.terms.forEach(function (term) { builder.insert(term); });
          builder.finish();
          everyTerm = builder.root;
        }
        return everyTerm;
      }
      function matching(tokenSet) { return allTerms().intersect(tokenSet).toArray(); }
      function isStopWord(word) { return !lunr.stopWordFilter(new lunr.Token(word)); }
      function fetch(kind, n) {
        if (!fetched[kind].has(n)) fetched[kind].set(n, load(kind, n));
        return fetched[kind].get(n);
      }
      function byNumber(x, y) { return x - y; }

      /**
       * A lunr index of `terms` alone, from the shards holding them (cached: the words
       * typed before the last one ask for the same terms again).
       */
      function indexOf(terms, every) {
        var only = new Set(terms.map(function (term) { return cat.numbers.get(term); }));
        var wanted = Array.from(new Set(Array.from(only, function (t) { return cat.shardOf[t]; })))
          .sort(byNumber);
        var key = Array.from(only).sort(byNumber).join(",") + (every ? "+" : "");
        if (indexes.has(key)) return indexes.get(key);
        var made = Promise.all(wanted.map(function (s) { return fetch("shards", s); }))
          .then(function (loaded) {
            var shards = {};
            wanted.forEach(function (s, i) { shards[s] = loaded[i]; });
            var index = lunr.Index.load(unpack(cat, shards, every, only));
            index.pipeline = names; // syntax queries: names as written, other words stemmed
            return index;
          });
        made.catch(function () { indexes.delete(key); });
        if (indexes.size >= 16) indexes.delete(indexes.keys().next().value);
        indexes.set(key, made);
        return made;
      }

      /** Query words in order; `compound` numbers the hyphenated runs they come from. */
      function queryWords(text) {
        var out = [];
        (fold(text, table).match(/[a-z0-9]+(?:-[a-z0-9]+)*/g) || []).forEach(function (run, c) {
          run.split("-").forEach(function (w) { out.push({ word: w, compound: c }); });
        });
        return out;
      }

      /**
       * Per query word, the index terms that satisfy it: {word, terms: Map term → {boost,
       * exact, scope}, fuzzy, optional}. `scope` says where a term is looked up: "words"
       * for a stem (the fields other than names, which hold words as written), "all" for
       * the word as typed and for completions. `exact` is false for completions and close
       * spellings. A stop word can only be a name ("He", "An"): it is optional unless the
       * query has nothing else.
       */
      function groups(text, prefix) {
        var list = queryWords(text), out = [];
        list.forEach(function (item, i) {
          var w = item.word, alts = new Map(), fuzzy = false, stop = isStopWord(w);
          var add = function (term, boost, exact, scope) {
            if (!known(term)) return;
            var had = alts.get(term);
            if (had === undefined) { alts.set(term, { boost: boost, exact: exact, scope: scope }); return; }
            had.boost = Math.max(had.boost, boost);
            had.exact = had.exact || exact;
            if (had.scope !== scope) had.scope = "all";
          };
          var joined = function (word) { add(stem(word), 1, true, "words"); add(word, 1, true, "all"); };
          if (w.length >= 2) {
            if (!stop) add(stem(w), 1, true, "words");
            add(w, 1, true, "all");
          }
          if (i > 0) joined(list[i - 1].word + w);
          if (i + 1 < list.length) joined(w + list[i + 1].word);
          var parts = list.filter(function (x) { return x.compound === item.compound; })
            .map(function (x) { return x.word; });
          if (parts.length > 2 && parts.length <= MAX_PARTS) joined(parts.join(""));
          var last = prefix && i === list.length - 1;
          if (last && w.length >= 2) {
            // The most frequent completions, until they cover the collection twice over
            // (at most PREFIX_POSTINGS documents): more would only slow typing down, and
            // the next letter narrows them anyway.
            var budget = Math.min(2 * count, PREFIX_POSTINGS);
            matching(lunr.TokenSet.fromString(w + "*"))
              .sort(function (a, b) { return df(b) - df(a) || (a < b ? -1 : 1); })
              .slice(0, w.length < 3 ? 8 : w.length < 4 ? 24 : MAX_EXPANSIONS)
              .forEach(function (term) {
                if (term === w || term === stem(w)) return; // the word itself: exact, above
                if (budget <= 0) return;
                budget -= df(term);
                add(term, PREFIX_BOOST, false, "all");
              });
            // Typed past the stem ("diffusi" of diffusion → diffus): the longest stem it
            // starts with, else results would vanish until the word is complete.
            var complete = known(stem(w)) || known(w);
            for (var k = w.length - 1; !complete && w.length >= 5 && k >= w.length - 4; k--) {
              if (known(w.slice(0, k))) { add(w.slice(0, k), PREFIX_BOOST, false, "all"); break; }
            }
          }
          if (alts.size === 0 && w.length >= 3 && !stop) {
            [stem(w), w].forEach(function (x) {
              matching(lunr.TokenSet.fromFuzzyString(x, 1)).forEach(function (term) {
                add(term, FUZZY_BOOST, false, "all");
              });
            });
            fuzzy = alts.size > 0;
          }
          if (alts.size > 0) out.push({ word: w, terms: alts, fuzzy: fuzzy, optional: stop });
        });
        if (out.every(function (g) { return g.optional; })) {
          out.forEach(function (g) { g.optional = false; });
        }
        return out;
      }

      function matchedTerms(result) { return new Set(Object.keys(result.matchData.metadata)); }

      /**
       * A result: {ref, score, terms, people}. `terms` (the matched terms, for highlights)
       * is made when first read: most results are never shown. `people` holds the words
       * of the names it matched, `names` how many pairs of them.
       */
      function Result(ref, score, matchData, covered, exact) {
        this.ref = ref;
        this.doc = Number(ref); // typed arrays index fast by number only
        this.score = score;
        this.matchData = matchData;
        this.covered = covered;
        this.exact = exact;
        this.names = 0;
        this.people = null;
      }
      Object.defineProperty(Result.prototype, "terms", { get: function () {
        var terms = this.matchData ? matchedTerms(this) : new Set();
        Object.defineProperty(this, "terms", { value: terms });
        return terms;
      } });
      function fieldsOf(scope) { return scope === "words" ? others : manifest.fields; }

      /**
       * lunr query syntax: null when the query has none or lunr cannot parse it. The
       * terms each clause can match (a wildcard's most frequent MAX_EXPANSIONS) decide
       * the shards; lunr then runs the query itself.
       */
      function syntaxSearch(text) {
        if (!SYNTAX.test(text)) return null;
        var folded = fold(text, table), query = new lunr.Query(manifest.fields), terms = [];
        try {
          new lunr.QueryParser(folded, query).parse();
        } catch (error) { // an unmatched ":" or "+": fall back to the words
          return null;
        }
        query.clauses.forEach(function (clause) {
          var words = clause.usePipeline ? names.runString(clause.term, { fields: clause.fields }) : [clause.term];
          words.forEach(function (word) {
            var tokens = lunr.TokenSet.fromClause(Object.assign({}, clause, { term: word }));
            matching(tokens).sort(function (a, b) { return df(b) - df(a) || (a < b ? -1 : 1); })
              .slice(0, MAX_EXPANSIONS).forEach(function (term) { terms.push(term); });
          });
        });
        return indexOf(terms, query.isNegated()).then(function (index) {
          return index.search(folded).map(function (r) {
            return new Result(r.ref, r.score, r.matchData, 0, 0);
          });
        }).catch(function (error) {
          if (error instanceof lunr.QueryParseError) return null;
          throw error;
        });
      }

      /** A keys file's documents of a key (VLQ gaps, as keys._encode writes them). */
      function refsOf(code) {
        var out = [], doc = -1;
        decode(code).forEach(function (gap) { doc += gap + 1; out.push(doc); });
        return out;
      }
      function lookup(key) {
        if (!manifest.keys) return Promise.resolve([]);
        return fetch("keys", bucket(key, manifest.keys)).then(function (file) {
          return Object.prototype.hasOwnProperty.call(file, key) ? refsOf(file[key]) : [];
        });
      }

      /**
       * Rank first the results with one author whose name holds two adjacent query words
       * ("kaiming he", "he kaiming", "k. he"): `names` counts such pairs, `people` keeps
       * their words. Only pairs whose words some result has in a names field (or that are
       * initials) are looked up, at most NAME_PAIRS of them.
       */
      function nameMatches(text, wanted, results) {
        if (!manifest.keys || results.length === 0) return Promise.resolve();
        var queried = new Set();
        wanted.forEach(function (g) { queried.add(g.word); });
        var named = new Map();
        var isName = function (w) {
          if (w.length < 2) return true; // an initial
          if (!named.has(w)) {
            named.set(w, known(w) && (!queried.has(w) || results.some(function (r) {
              var fields = r.matchData.metadata[w];
              return fields !== undefined && verbatim.some(function (f) { return f in fields; });
            })));
          }
          return named.get(w);
        };
        var list = queryWords(text).map(function (x) { return x.word; }), pairs = [];
        for (var i = 0; i + 1 < list.length && pairs.length < NAME_PAIRS; i++) {
          var a = list[i], b = list[i + 1];
          if ((a.length > 1 || b.length > 1) && isName(a) && isName(b)) pairs.push([a, b]);
        }
        if (pairs.length === 0) return Promise.resolve();
        var byRef = new Map();
        results.forEach(function (r) { byRef.set(Number(r.ref), r); });
        return Promise.all(pairs.map(function (pair) {
          return lookup(pairKey(pair[0], pair[1])).then(function (refs) {
            refs.forEach(function (ref) {
              var r = byRef.get(ref);
              if (r === undefined) return;
              r.names++;
              r.people = r.people || new Set();
              r.people.add(pair[0]);
              r.people.add(pair[1]);
            });
          });
        }));
      }

      function wordSearch(text, prefix) {
        var all = groups(text.replace(/[+:*~^]/g, " "), prefix);
        var wanted = all.filter(function (g) { return !g.optional; });
        if (wanted.length === 0) return Promise.resolve({ results: [], mode: "words", fuzzy: false });
        var lookups = new Map();
        wanted.forEach(function (g) {
          g.terms.forEach(function (alt, term) {
            var had = lookups.get(term);
            if (had === undefined) lookups.set(term, { boost: alt.boost, scope: alt.scope });
            else {
              had.boost = Math.max(had.boost, alt.boost);
              if (had.scope !== alt.scope) had.scope = "all";
            }
          });
        });
        // Each term's query words, and whether it is one of them exactly: [word, exact, ...].
        var owners = new Map();
        wanted.forEach(function (g, at) {
          g.terms.forEach(function (alt, term) {
            if (!owners.has(term)) owners.set(term, []);
            owners.get(term).push(at, alt.exact ? 1 : 0);
          });
        });
        return indexOf(Array.from(lookups.keys()), false).then(function (index) {
          var raw = index.query(function (q) {
            lookups.forEach(function (alt, term) {
              q.term(term, { usePipeline: false, boost: alt.boost, fields: fieldsOf(alt.scope) });
            });
          });
          // How many query words each paper matches: those matching all come first.
          var hitAt = new Float64Array(wanted.length), sureAt = new Float64Array(wanted.length);
          var scored = raw.map(function (r, stamp) {
            var covered = 0, exact = 0;
            stamp++;
            for (var term in r.matchData.metadata) {
              var own = owners.get(term);
              for (var i = 0; own !== undefined && i < own.length; i += 2) {
                var g = own[i];
                if (hitAt[g] !== stamp) { hitAt[g] = stamp; covered++; }
                if (own[i + 1] && sureAt[g] !== stamp) { sureAt[g] = stamp; exact++; }
              }
            }
            return new Result(r.ref, r.score, r.matchData, covered, exact);
          });
          var results = scored;
          return nameMatches(text, wanted, results).then(function () {
            // Papers matching more query words first (all of them before some), then one
            // person's papers, then those matching more words exactly (not as a completion
            // of the word being typed or a close spelling), then lunr's score.
            results.sort(function (a, b) {
              return b.covered - a.covered || b.names - a.names || b.exact - a.exact ||
                b.score - a.score || a.ref - b.ref;
            });
            return { results: results, mode: "words",
                     fuzzy: wanted.some(function (g) { return g.fuzzy; }) };
          });
        });
      }

      /** The arXiv ids a query is made of: pasted ids and arxiv.org / Hugging Face URLs. */
      function arxivIds(text) {
        var out = [];
        text.split(/\s+/).forEach(function (piece) {
          var id = arxivId(piece.replace(/^[<(\["']+|[>)\]"'.,;]+$/g, ""));
          if (id !== null && out.indexOf(id) < 0) out.push(id);
        });
        return out;
      }

      function idSearch(ids) {
        return Promise.all(ids.map(lookup)).then(function (found) {
          var seen = new Set(), results = [];
          found.forEach(function (refs) {
            refs.forEach(function (ref) {
              if (seen.has(ref)) return;
              seen.add(ref);
              results.push(new Result(String(ref), 1, null, 0, 0));
            });
          });
          return { results: results, mode: "id", fuzzy: false };
        });
      }

      function search(text, options) {
        var ids = arxivIds(text);
        if (ids.length) return idSearch(ids);
        var prefix = !(options && options.prefix === false) && !/\s$/.test(text);
        var syntax = syntaxSearch(text);
        if (syntax === null) return wordSearch(text, prefix);
        return syntax.then(function (results) {
          return results === null ? wordSearch(text, prefix)
            : { results: results, mode: "syntax", fuzzy: false };
        });
      }

      // ---- filters and order ---------------------------------------------------------

      function docTopics(ref) { return manifest.doc_topics[ref]; }
      var dates = null; // {dates: [iso...], doc: per document its date's number + 1}

      /**
       * Resolves once `arrange` can order by `options`: the newest-first order needs every
       * paper's date (search/dates/0.json), which only it fetches.
       */
      function prepare(options) {
        if (options.sort !== "newest" || dates !== null || count === 0) return Promise.resolve();
        return fetch("dates", 0).then(function (file) {
          dates = { dates: file.dates ? file.dates.split(" ") : [], doc: decode(file.doc_dates) };
        });
      }

      /**
       * The results in every topic of `options.topics` (slugs) and in `options.year` ("" for
       * any), newest first when `options.sort` is "newest" (undated last, else in rank
       * order; after `prepare`); with each topic's and year's count, each counted under the
       * other filter.
       */
      function arrange(results, options) {
        var topics = (options.topics || []).filter(function (s) { return s in topicNumbers; })
          .map(function (s) { return topicNumbers[s]; });
        var year = cat.years.indexOf(options.year || "") + 1, docYears = cat.docYears;
        var topicCounts = new Float64Array(manifest.topics.length);
        var yearCounts = new Float64Array(cat.years.length + 1), out = [];
        for (var i = 0; i < results.length; i++) {
          var r = results[i], doc = r.doc, own = manifest.doc_topics[doc], when = docYears[doc];
          var inTopics = true;
          for (var t = 0; t < topics.length && inTopics; t++) inTopics = own.indexOf(topics[t]) >= 0;
          var inYear = !options.year || when === year;
          if (inYear) for (var k = 0; k < own.length; k++) topicCounts[own[k]]++;
          if (inTopics) yearCounts[when]++;
          if (inTopics && inYear) out.push(r);
        }
        if (options.sort === "newest" && dates !== null) {
          var day = dates.doc;
          out = out.map(function (r, at) { return [day[r.doc], at, r]; })
            .sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; })
            .map(function (x) { return x[2]; });
        }
        var byTopic = new Map(), byYear = new Map();
        topicCounts.forEach(function (n, t) { if (n) byTopic.set(t, n); });
        cat.years.forEach(function (y, at) { if (yearCounts[at + 1]) byYear.set(y, yearCounts[at + 1]); });
        return { results: out, topics: byTopic, years: byYear };
      }

      // ---- documents, snippets, highlighting -----------------------------------------

      /** Fetch the chunks holding these documents; resolves once `document` has them. */
      function documents(refs) {
        var size = manifest.chunk, wanted = new Set(refs.map(function (ref) { return Math.floor(ref / size); }));
        return Promise.all(Array.from(wanted).sort(byNumber).map(function (c) {
          return fetch("docs", c).then(function (chunk) { chunks.set(c, chunk); });
        }));
      }

      /** [title, path, byline, iso date, topic numbers, abstract, note] of a fetched document. */
      function document(ref) {
        var size = manifest.chunk, d = chunks.get(Math.floor(ref / size))[ref % size];
        return [d[0], d[1], d[2], d[3], docTopics(ref), d[4], d[5]];
      }

      var WORD = /[\p{L}\p{N}\p{M}'\u2019]+(?:[-\u2010\u2011][\p{L}\p{N}\p{M}'\u2019]+)*/gu;
      var termsOfPiece = new Map();

      /** The terms a piece of text can match: each of its words' stem and the word itself. */
      function termsOf(piece) {
        var out = termsOfPiece.get(piece);
        if (out === undefined) {
          out = [];
          words(piece, table).forEach(function (w) { out.push(stem(w), w); });
          if (termsOfPiece.size > 50000) termsOfPiece.clear(); // abstracts share most words
          termsOfPiece.set(piece, out);
        }
        return out;
      }

      /** Whether a piece of text holds a word whose term (its stem, or as written) matched. */
      function hits(piece, terms) {
        return termsOf(piece).some(function (term) { return terms.has(term); });
      }

      /** The distinct terms that matched in `text`, and where the first match starts. */
      function matchesIn(text, terms) {
        var found = new Set(), first = -1, m;
        WORD.lastIndex = 0;
        while ((m = WORD.exec(text)) !== null) {
          var own = termsOf(m[0]);
          for (var i = 0; i < own.length; i++) {
            if (!terms.has(own[i])) continue;
            found.add(own[i]);
            if (first < 0) first = m.index;
          }
        }
        return { count: found.size, first: first };
      }

      /** [start, end] of each sentence of `text` (views._SENTENCE_END's cuts). */
      function sentences(text) {
        var out = [], start = 0, re = /[.!?]\s+(?=[A-Z])/g, m;
        while ((m = re.exec(text)) !== null) {
          out.push([start, m.index + 1]);
          start = m.index + m[0].length;
        }
        if (start < text.length) out.push([start, text.length]);
        return out;
      }

      /** The first sentences of `text` that fit SNIPPET, else its start cut at a word. */
      function opening(text) {
        if (text.length <= SNIPPET) return text;
        var spans = sentences(text), end = 0;
        for (var i = 0; i < spans.length && spans[i][1] <= SNIPPET; i++) end = spans[i][1];
        if (end > 0) return text.slice(0, end);
        var cut = text.lastIndexOf(" ", SNIPPET);
        return text.slice(0, cut > 0 ? cut : SNIPPET) + "\u2026";
      }

      /**
       * What a result quotes: the sentence of the abstract or note holding the most of the
       * query's terms (the first such), with its neighbours while they fit SNIPPET, or a
       * window of SNIPPET characters around its first match when it is longer. {text,
       * note}: `note` when it comes from the curator's note. Without a match there (a
       * title or a name matched), the abstract's opening.
       */
      function snippet(ref, terms) {
        var d = document(ref), best = null;
        [[d[5] || "", false], [d[6] || "", true]].forEach(function (source) {
          var text = source[0], spans = sentences(text);
          spans.forEach(function (span, at) {
            var found = matchesIn(text.slice(span[0], span[1]), terms);
            if (found.count > 0 && (best === null || found.count > best.count)) {
              best = { text: text, note: source[1], spans: spans, at: at, count: found.count,
                       first: span[0] + found.first };
            }
          });
        });
        if (best === null) return { text: opening(d[5] || d[6] || ""), note: !d[5] && !!d[6] };
        var text = best.text, spans = best.spans, lo = best.at, hi = best.at;
        while (hi + 1 < spans.length && spans[hi + 1][1] - spans[lo][0] <= SNIPPET) hi++;
        while (lo > 0 && spans[hi][1] - spans[lo - 1][0] <= SNIPPET) lo--;
        var from = spans[lo][0], to = spans[hi][1];
        if (to - from > SNIPPET) { // one long sentence: a window around its first match
          var start = Math.max(from, best.first - Math.floor(SNIPPET / 4));
          if (start > from) {
            var space = text.indexOf(" ", start);
            start = space >= 0 && space < best.first ? space + 1 : Math.min(start, best.first);
          }
          var end = Math.min(to, start + SNIPPET);
          if (end < to) {
            var cut = text.lastIndexOf(" ", end);
            if (cut > best.first) end = cut;
          }
          from = start;
          to = end;
        }
        var quoted = text.slice(from, to).trim();
        return { text: (from > 0 ? "\u2026 " : "") + quoted + (to < text.length ? " \u2026" : ""),
                 note: best.note };
      }

      /** `text` cut into [piece, marked] pairs: words whose terms matched are marked. */
      function highlight(text, terms) {
        var out = [], at = 0, m;
        var hit = function (piece) { return hits(piece, terms); };
        WORD.lastIndex = 0;
        while ((m = WORD.exec(text)) !== null) {
          var parts = m[0].split(/([-\u2010\u2011])/);
          if (parts.length > 1 && hit(m[0]) && !parts.some(function (p, i) { return i % 2 === 0 && hit(p); })) {
            parts = [m[0]]; // only the joined form matched: mark the whole compound
          }
          var offset = m.index;
          parts.forEach(function (piece) {
            var marked = piece.length > 0 && !/^[-\u2010\u2011]$/.test(piece) && hit(piece);
            if (offset > at) out.push([text.slice(at, offset), false]);
            out.push([piece, marked]);
            offset += piece.length;
            at = offset;
          });
        }
        if (at < text.length) out.push([text.slice(at), false]);
        // Merge neighbours that are both unmarked.
        return out.reduce(function (acc, seg) {
          var prev = acc[acc.length - 1];
          if (prev && !prev[1] && !seg[1]) prev[0] += seg[0]; else acc.push(seg.slice());
          return acc;
        }, []);
      }

      return { count: count, topics: manifest.topics, search: search, arrange: arrange,
               prepare: prepare, documents: documents, document: document, docTopics: docTopics,
               snippet: snippet, highlight: highlight };
    }

    function humanDate(iso) {
      if (!iso) return "undated";
      var parts = iso.split("-");
      return MONTHS[Number(parts[1]) - 1] + " " + Number(parts[2]) + ", " + parts[0];
    }

    return { fold: fold, words: words, catalog: catalog, unpack: unpack, round3: round3,
             bucket: bucket, arxivId: arxivId, engine: engine, humanDate: humanDate };
  }

  // ---- the page ------------------------------------------------------------------------

  var PAGE = 50; // results shown before "Show more"
  var CHIPS = 8; // topic chips shown before "+N more"
  var IDLE = 1500; // ms without typing after which the next keystroke is a new search
  var SLOW = 150;  // ms a search took, from which typing waits for a pause...
  var PAUSE = 200; // ...of this many ms before searching
  var SORTS = ["relevance", "newest"];

  function mount(core, doc, win) {
    var input = doc.getElementById("search-input");
    var box = doc.getElementById("search-results");
    var status = doc.getElementById("search-status");
    var filters = doc.getElementById("search-filters") || doc.createElement("div");
    var sort = doc.getElementById("search-sort");
    var form = input && input.form;
    if (!input || !box || !status) return;
    var engine = null, shown = PAGE, pending = false, allTopics = false;
    var rendered = false, last = { text: null, found: null }, ticket = 0;
    var state = readLocation();
    show(state);

    // The state lives in the URL: ?q=&topic=&year=&sort= (the defaults left out).
    function readLocation() {
      var params = new URLSearchParams(win.location.search);
      var order = params.get("sort");
      return { q: params.get("q") || "", topics: params.getAll("topic"),
               year: /^\d{4}$/.test(params.get("year") || "") ? params.get("year") : "",
               sort: SORTS.indexOf(order) >= 0 ? order : SORTS[0] };
    }
    function show(s) {
      input.value = s.q;
      if (sort) sort.value = s.sort;
    }
    function url() {
      var params = new URLSearchParams();
      if (input.value) params.set("q", input.value);
      state.topics.forEach(function (t) { params.append("topic", t); });
      if (state.year) params.set("year", state.year);
      if (state.sort !== SORTS[0]) params.set("sort", state.sort);
      var query = params.toString();
      return win.location.pathname + (query ? "?" + query : "");
    }
    // A filter or the order changed: a new history entry, so Back undoes it.
    function changed(focus) {
      win.history.pushState(null, "", url());
      fresh = true;
      shown = PAGE;
      return render().then(focus || function () {});
    }
    function el(tag, className, text) {
      var node = doc.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined) node.textContent = text;
      return node;
    }
    function marked(tag, className, text, terms) {
      var node = el(tag, className);
      engine.highlight(text, terms).forEach(function (seg) {
        node.appendChild(seg[1] ? el("mark", "", seg[0]) : doc.createTextNode(seg[0]));
      });
      return node;
    }

    // A search fetches the index shards and documents it needs, so it is asynchronous:
    // only the newest one draws, and the page keeps the last results until it does.
    function render() {
      pending = false;
      if (!engine) return Promise.resolve();
      var text = input.value, mine = ++ticket;
      if (!text.trim()) {
        draw(text, null, null);
        return Promise.resolve();
      }
      if (text !== last.text) {
        var started = win.performance.now();
        last = { text: text, found: engine.search(text) };
        last.found.then(function () { slow = win.performance.now() - started; }, function () {});
      }
      var wanted = shown;
      var asked = { topics: state.topics, year: state.year, sort: state.sort };
      return last.found.then(function (found) {
        return engine.prepare(asked).then(function () {
          var arranged = engine.arrange(found.results, asked);
          return engine.documents(arranged.results.slice(0, wanted).map(function (r) { return r.ref; }))
            .then(function () { if (mine === ticket) draw(text, found, arranged); });
        });
      }).catch(function (error) {
        if (last.text === text) last = { text: null, found: null }; // try again next time
        if (mine !== ticket) return;
        status.textContent = "Search failed: part of the index could not be loaded (" + error.message + ").";
      });
    }

    function topicNumbers() {
      var numbers = {};
      engine.topics.forEach(function (t, n) { numbers[t[0]] = n; });
      return numbers;
    }
    function selectedTopics() {
      var numbers = topicNumbers();
      return state.topics.filter(function (slug) { return slug in numbers; });
    }

    function draw(text, found, arranged) {
      box.textContent = "";
      filters.textContent = "";
      filters.hidden = true;
      if (found === null) {
        status.textContent = "Type to search " + engine.count + " papers by title, author, topic, abstract or arXiv id.";
        return;
      }
      var numbers = topicNumbers(), selected = selectedTopics();
      var results = arranged.results;
      renderTopics(arranged.topics, selected);
      renderYears(arranged.years);
      filters.hidden = filters.childNodes.length === 0;
      var quoted = "\u201c" + text.trim() + "\u201d";
      var noun = function (n) { return n === 1 ? "1 paper" : n + " papers"; };
      var message = results.length === 0 ? "No papers match " + quoted
        : noun(results.length) + (results.length === 1 ? " matches " : " match ") + quoted;
      var within = [];
      if (selected.length) {
        within.push("in " + selected.map(function (s) { return engine.topics[numbers[s]][1]; }).join(" and "));
      }
      if (state.year) within.push("from " + state.year);
      if (within.length) message += " " + within.join(", ") + " (" + found.results.length + " in all)";
      if (results.length && found.fuzzy) message += ", some by a close spelling";
      if (results.length > 1 && state.sort === "newest") message += ", newest first";
      status.textContent = message + ".";
      var list = el("ol", "search-results-list");
      results.slice(0, shown).forEach(function (r) { list.appendChild(result(r)); });
      box.appendChild(list);
      if (results.length > shown) {
        var more = el("button", "search-more", "Show more results");
        more.type = "button";
        more.addEventListener("click", function () {
          shown += PAGE;
          render().then(function () {
            var next = box.querySelectorAll(".card-title a")[shown - PAGE];
            if (next) next.focus();
          });
        });
        box.appendChild(more);
      }
      if (!rendered) win.performance.mark("digest-search-results"); // for benchmarks/
      rendered = true;
    }

    function result(r) {
      var d = engine.document(r.ref);
      var item = el("li", "search-result");
      var card = el("article", "card");
      var heading = el("h2", "card-title");
      var link = marked("a", "", d[0], r.terms);
      link.href = box.getAttribute("data-root") + d[1];
      heading.appendChild(link);
      card.appendChild(heading);
      var people = new Set(r.terms);
      (r.people || []).forEach(function (w) { people.add(w); });
      card.appendChild(marked("p", "byline", d[2], people));
      var meta = el("p", "meta");
      var time = el("time", "", core.humanDate(d[3]));
      if (d[3]) time.setAttribute("datetime", d[3]);
      meta.appendChild(time);
      d[4].forEach(function (n) {
        meta.appendChild(doc.createTextNode(" "));
        meta.appendChild(el("span", "chip", engine.topics[n][1]));
      });
      card.appendChild(meta);
      var quote = engine.snippet(r.ref, r.terms);
      if (quote.text) {
        var snippet = marked("p", "snippet", quote.text, r.terms);
        if (quote.note) snippet.insertBefore(el("span", "snippet-label", "Note: "), snippet.firstChild);
        card.appendChild(snippet);
      }
      item.appendChild(card);
      return item;
    }

    function chip(label, count, on, attribute, value, onClick) {
      var button = el("button", "chip search-chip");
      button.type = "button";
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.setAttribute(attribute, value);
      button.appendChild(doc.createTextNode(label + " "));
      button.appendChild(el("span", "count", String(count)));
      button.addEventListener("click", onClick);
      return button;
    }
    function group(label, name) {
      var node = el("div", "search-filter-group");
      node.setAttribute("role", "group");
      node.setAttribute("aria-label", label);
      node.appendChild(el("span", "search-filters-label", name));
      return node;
    }
    function refocus(selector) {
      return function () {
        var again = filters.querySelector(selector);
        if (again) again.focus();
      };
    }

    function renderTopics(counts, selected) {
      var chips = engine.topics.map(function (t, n) { return { slug: t[0], name: t[1], count: counts.get(n) || 0 }; })
        .filter(function (t) { return t.count > 0 || selected.indexOf(t.slug) >= 0; })
        .sort(function (a, b) { return b.count - a.count || (a.name < b.name ? -1 : 1); });
      if (chips.length < 2 && selected.length === 0) return;
      var node = group("Filter by topic", "Topics:");
      var hidden = allTopics ? [] : chips.slice(CHIPS).filter(function (t) { return selected.indexOf(t.slug) < 0; });
      chips.filter(function (t) { return hidden.indexOf(t) < 0; }).forEach(function (t) {
        var on = selected.indexOf(t.slug) >= 0;
        node.appendChild(chip(t.name, t.count, on, "data-topic", t.slug, function () {
          state.topics = on ? state.topics.filter(function (s) { return s !== t.slug; })
            : state.topics.concat([t.slug]);
          changed(refocus('[data-topic="' + t.slug + '"]'));
        }));
      });
      if (hidden.length) {
        var more = el("button", "chip search-chip-more", "+" + hidden.length + " more");
        more.type = "button";
        more.addEventListener("click", function () {
          allTopics = true;
          render().then(function () {
            var first = filters.querySelectorAll("[data-topic]")[CHIPS];
            if (first) first.focus();
          });
        });
        node.appendChild(more);
      }
      filters.appendChild(node);
    }

    function renderYears(counts) {
      var years = Array.from(counts.keys());
      if (state.year && years.indexOf(state.year) < 0) years.push(state.year);
      years.sort().reverse();
      if (years.length < 2 && !state.year) return;
      var node = group("Filter by year", "Years:");
      years.forEach(function (year) {
        var on = state.year === year;
        node.appendChild(chip(year, counts.get(year) || 0, on, "data-year", year, function () {
          state.year = on ? "" : year;
          changed(refocus('[data-year="' + year + '"]'));
        }));
      });
      filters.appendChild(node);
    }

    if (sort) {
      sort.addEventListener("change", function () {
        state.sort = SORTS.indexOf(sort.value) >= 0 ? sort.value : SORTS[0];
        changed();
      });
    }

    // A keystroke searches at the next frame; when the last search took long (a large
    // digest, a common word), typing waits for a pause instead, so the page keeps up.
    var slow = 0, waiting = null;
    function schedule() {
      if (waiting !== null) win.clearTimeout(waiting);
      waiting = null;
      if (slow > SLOW) {
        waiting = win.setTimeout(function () { waiting = null; render(); }, PAUSE);
        return;
      }
      if (pending) return;
      pending = true;
      (win.requestAnimationFrame || win.setTimeout)(render);
    }

    // History: one entry per search, not per keystroke. Typing after Enter, after a
    // pause or after going back starts a new entry; keystrokes in between replace it.
    var fresh = true, lastInput = 0;
    input.addEventListener("input", function () {
      var now = Date.now();
      state.q = input.value;
      if ((fresh || now - lastInput > IDLE) && readLocation().q) win.history.pushState(null, "", url());
      else win.history.replaceState(null, "", url());
      fresh = false;
      lastInput = now;
      shown = PAGE;
      schedule();
    });
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        state.q = input.value;
        if (readLocation().q !== input.value) win.history.pushState(null, "", url());
        fresh = true;
        if (waiting !== null) win.clearTimeout(waiting); // Enter searches now
        waiting = null;
        render();
      });
    }
    win.addEventListener("popstate", function () {
      state = readLocation();
      show(state);
      fresh = true;
      shown = PAGE;
      render();
    });

    // Arrows move between the search box and the result links; Enter opens a link.
    function links() { return Array.prototype.slice.call(box.querySelectorAll(".card-title a")); }
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && links().length) { event.preventDefault(); links()[0].focus(); }
    });
    box.addEventListener("keydown", function (event) {
      var all = links(), at = all.indexOf(doc.activeElement);
      if (at < 0) return;
      if (event.key === "ArrowDown" && at + 1 < all.length) { event.preventDefault(); all[at + 1].focus(); }
      else if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? all[at - 1] : input).focus(); }
      else if (event.key === "Escape") { event.preventDefault(); input.focus(); }
    });

    status.textContent = "Loading the search index\u2026";
    var indexURL = new URL(box.getAttribute("data-index"), win.location.href);
    var fetchJSON = function (url) {
      return win.fetch(url).then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + response.statusText);
        return response.json();
      });
    };
    var load = function (kind, n) { return fetchJSON(new URL(kind + "/" + n + ".json", indexURL)); };
    win.digestSearch = fetchJSON(indexURL)
      .then(function (manifest) {
        engine = core.engine(manifest, load);
        win.performance.mark("digest-search-ready");
        render();
        return engine;
      }, function (error) {
        status.textContent = "Search is unavailable: the index could not be loaded (" + error.message + ").";
        throw error;
      });
  }

  if (typeof module === "object" && module.exports) {
    module.exports = create;
  } else if (global.lunr && global.document) {
    var start = function () { mount(create(global.lunr), global.document, global); };
    if (global.document.readyState === "loading") global.document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})(this);
