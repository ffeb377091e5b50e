"""Pages of the household registry, split like the services: registry, income, employment, monitoring, imports."""
