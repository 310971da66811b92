/** A payment as the sandbox API returns it: amounts are integers in minor units. */
export const paymentSchema = {
  "$id": "https://payharness.dev/schemas/payment.json",
  "title": "Payment",
  "description": "A payment as the sandbox API returns it: amounts are integers in minor units.",
  "type": "object",
  "required": [
    "id",
    "status",
    "amount",
    "currency",
    "amount_captured",
    "amount_refunded",
    "reference",
    "created_at"
  ],
  "properties": {
    "id": {
      "type": "string",
      "pattern": "^pay_[A-Za-z0-9_-]+$"
    },
    "status": {
      "enum": [
        "requires_capture",
        "succeeded",
        "partially_refunded",
        "refunded",
        "canceled"
      ]
    },
    "amount": {
      "type": "integer",
      "minimum": 1
    },
    "currency": {
      "type": "string",
      "pattern": "^[A-Z]{3}$"
    },
    "amount_captured": {
      "type": "integer",
      "minimum": 0
    },
    "amount_refunded": {
      "type": "integer",
      "minimum": 0
    },
    "reference": {
      "type": "string",
      "minLength": 1
    },
    "created_at": {
      "type": "string",
      "format": "date-time"
    }
  }
} as const;
