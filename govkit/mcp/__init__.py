"""Agents drive govkit natively: the MCP server (`govkit mcp`, roles in roles.py, server.py
imports the SDK lazily) and the edit-time scope guard's hook runner (`govkit guard`, hook.py)."""
