"""Commands of this module are not built yet."""
