"""What cx keeps of the utility's configuration (onboarding's events), to validate applications
without asking onboarding: utility services, areas, categories and plans."""
