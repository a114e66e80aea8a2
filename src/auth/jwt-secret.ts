import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Config } from '../config.js';

/** Demo mode: no identity provider configured and not in production; the hub mints its own tokens. */
export function isDemoMode(config: Config): boolean {
  return config.NODE_ENV !== 'production' && !config.AUTH_JWKS_URL;
}

/**
 * The HS256 secret: AUTH_JWT_SECRET, or in demo mode one generated once and kept in the data
 * directory, so tokens printed at start-up and minted by `lienthong token` stay valid across
 * restarts. Production without a secret or a JWKS URL does not start.
 */
export async function resolveJwtSecret(config: Config): Promise<string | undefined> {
  if (config.AUTH_JWT_SECRET) return config.AUTH_JWT_SECRET;
  if (config.AUTH_JWKS_URL) return undefined;
  if (!isDemoMode(config)) throw new Error('production needs AUTH_JWKS_URL or AUTH_JWT_SECRET');
  const file = join(config.DATA_DIR, 'jwt-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(32).toString('base64url');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}
