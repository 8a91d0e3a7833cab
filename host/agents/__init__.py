"""The host's side of agents: specs from the factory server, the tools of their views, their runs."""
