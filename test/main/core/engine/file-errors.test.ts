// How a file error reads in a reason: its code said once, then what the system said.
import { describe, expect, it } from 'vitest';
import { describeError } from '../../../../main/core/engine/download-files';

const fsError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('describeError', () => {
  it('says the code once when the message already begins with it (Node’s own errors)', () => {
    expect(describeError(fsError('ETIMEDOUT', 'ETIMEDOUT: connection timed out, write'))).toBe(
      'ETIMEDOUT: connection timed out, write',
    );
  });

  it('puts the code first when the message does not say it, from the error or its cause', () => {
    expect(describeError(fsError('EBUSY', 'resource busy or locked'))).toBe('EBUSY: resource busy or locked');
    const wrapped = new TypeError('fetch failed', { cause: fsError('ECONNRESET', 'socket hang up') });
    expect(describeError(wrapped)).toBe('ECONNRESET: fetch failed');
  });
});
