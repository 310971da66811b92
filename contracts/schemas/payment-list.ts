/** GET /v1/payments?reference=… */
export const paymentListSchema = {
  "$id": "https://payharness.dev/schemas/payment-list.json",
  "title": "PaymentList",
  "description": "GET /v1/payments?reference=…",
  "type": "object",
  "required": [
    "data"
  ],
  "properties": {
    "data": {
      "type": "array",
      "items": {
        "$ref": "https://payharness.dev/schemas/payment.json"
      }
    }
  }
} as const;
