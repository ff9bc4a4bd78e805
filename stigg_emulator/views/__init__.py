"""Views: the rows one JSON document needs, read together so `wire/` shapes them offline."""
