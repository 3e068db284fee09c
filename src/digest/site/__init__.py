"""Pure: the finished site data, its indexes, URLs, template views and the route table."""
