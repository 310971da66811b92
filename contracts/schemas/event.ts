/** A webhook event payload; delivered signed per Standard Webhooks. */
export const eventSchema = {
  "$id": "https://payharness.dev/schemas/event.json",
  "title": "Event",
  "description": "A webhook event payload; delivered signed per Standard Webhooks.",
  "type": "object",
  "required": [
    "id",
    "type",
    "created_at",
    "data"
  ],
  "properties": {
    "id": {
      "type": "string",
      "pattern": "^evt_[A-Za-z0-9_-]+$"
    },
    "type": {
      "enum": [
        "payment.created",
        "payment.captured",
        "payment.refunded",
        "payment.canceled"
      ]
    },
    "created_at": {
      "type": "string",
      "format": "date-time"
    },
    "data": {
      "type": "object",
      "required": [
        "object"
      ],
      "properties": {
        "object": {
          "$ref": "https://payharness.dev/schemas/payment.json"
        }
      }
    }
  }
} as const;
