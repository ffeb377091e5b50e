"""Pages of income and 务工, split like the services: income, employment, and the phone questionnaire."""
