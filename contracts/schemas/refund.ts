/** The answer to POST /v1/payments/{id}/refunds: the refund and the payment after it. */
export const refundSchema = {
  "$id": "https://payharness.dev/schemas/refund.json",
  "title": "Refund",
  "description": "The answer to POST /v1/payments/{id}/refunds: the refund and the payment after it.",
  "type": "object",
  "required": [
    "id",
    "payment_id",
    "amount",
    "status",
    "payment"
  ],
  "properties": {
    "id": {
      "type": "string",
      "pattern": "^re_[A-Za-z0-9_-]+$"
    },
    "payment_id": {
      "type": "string",
      "pattern": "^pay_[A-Za-z0-9_-]+$"
    },
    "amount": {
      "type": "integer",
      "minimum": 1
    },
    "status": {
      "const": "succeeded"
    },
    "payment": {
      "$ref": "https://payharness.dev/schemas/payment.json"
    }
  }
} as const;
