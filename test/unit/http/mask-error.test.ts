import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { maskError } from '../../../src/http/server.js';

function capture(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

describe('maskError', () => {
  it('returns an unexpected error without its message, stack, SQL or host, and logs it for operators', () => {
    const { logger, lines } = capture();
    const original = new Error('relation "dossiers" does not exist at postgres://lienthong:pw@10.0.0.5:5432/lienthong');
    const graphqlError = new GraphQLError(original.message, { path: ['dossiers'], originalError: original });
    const masked = maskError({ message: original.message, path: ['dossiers'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } }, graphqlError, logger);
    expect(masked).toEqual({ message: 'Internal server error', path: ['dossiers'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(lines.join('')).toContain('relation \\"dossiers\\" does not exist');
  });

  it('keeps the code and message of errors raised on purpose', () => {
    const { logger } = capture();
    const formatted = { message: 'dossier code date 251399 is not a real date', extensions: { code: 'BAD_USER_INPUT', argument: 'code' } };
    expect(maskError(formatted, new GraphQLError(formatted.message), logger)).toBe(formatted);
  });
});
