"""National context: school shootings as each tracker counts them."""
