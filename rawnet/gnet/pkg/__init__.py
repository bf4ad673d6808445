"""gnet's pkg/ tree: the building blocks under the engine (gnet v2.10.0: pkg/)."""
