"""What bx keeps of other services' data, projected from their events, so that a bill run never
calls another service: utility services, plans and tariff versions (onboarding), accounts (cx),
validated readings (mx)."""
