import { GraphQLError } from 'graphql';
import type { AuthCheckerFn } from 'type-graphql';
import type { RequestContext } from '../http/context.js';

/**
 * `@Authorized(...scopes)` next to the schema: every listed scope is needed. A denial is an error
 * on exactly that field (its value becomes null), whether reached directly, by alias or nested.
 */
export const scopeAuthChecker: AuthCheckerFn<RequestContext, string> = ({ context }, scopes) => {
  const principal = context.principal;
  if (principal.kind === 'ANONYMOUS') {
    throw new GraphQLError('authentication required: send Authorization: Bearer <token>', { extensions: { code: 'UNAUTHENTICATED' } });
  }
  const missing = scopes.filter((scope) => !principal.scopes.has(scope));
  if (missing.length > 0) {
    throw new GraphQLError(`not allowed: needs scope ${missing.join(', ')}`, { extensions: { code: 'FORBIDDEN', missingScopes: missing } });
  }
  return true;
};

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}
