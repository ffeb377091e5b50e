"""Pages of the household registry, split like the services: registry, imports."""
