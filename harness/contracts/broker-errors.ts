import { UsageError } from '../errors.js';

/** The broker answered but refused the request (unknown pacticipant, version or environment): bad input, exit 3. */
export class BrokerCommandError extends UsageError {
  constructor(command: string, detail: string) {
    super('E_BROKER_REFUSED', `pact-broker ${command} failed: ${detail || 'no details given'}`, {
      hint: 'check the pacticipant, version and environment names exist in the broker',
    });
  }
}
