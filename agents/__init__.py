"""Agent types and the tool-calling runtime (built on the mesh; see DESIGN.md)."""
