"""Communication hub: templates, email/SMS/WhatsApp/in-app deliveries"""
