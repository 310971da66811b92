/** The Standard Webhooks headers on every delivery (lower-cased names). */
export const webhookHeadersSchema = {
  "$id": "https://payharness.dev/schemas/webhook-headers.json",
  "title": "StandardWebhooksHeaders",
  "description": "The Standard Webhooks headers on every delivery (lower-cased names).",
  "type": "object",
  "required": [
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature"
  ],
  "properties": {
    "webhook-id": {
      "type": "string",
      "pattern": "^evt_[A-Za-z0-9_-]+$"
    },
    "webhook-timestamp": {
      "type": "string",
      "pattern": "^[0-9]{10}$"
    },
    "webhook-signature": {
      "type": "string",
      "pattern": "^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$"
    }
  }
} as const;
