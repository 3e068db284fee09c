"""Pure steps from parsed listings to canonical papers: merge, notes attached, topics."""
