/**
 * Ordering of the changes one system reports about one entity. A system's version of the entity
 * decides when both sides carry one (clocks of agency servers drift; counters do not); otherwise
 * the source's change time decides. Equal positions mean the same state: not newer.
 */
export interface SourcePosition {
  readonly version: number | null;
  readonly timestamp: Date;
}

export type OrderVerdict =
  | { readonly newer: true }
  | { readonly newer: false; readonly code: 'OLDER_VERSION' | 'OLDER_TIMESTAMP' | 'SAME_VERSION' | 'SAME_TIMESTAMP'; readonly message: string };

export function compareSourcePosition(incoming: SourcePosition, current: SourcePosition): OrderVerdict {
  if (incoming.version !== null && current.version !== null) {
    if (incoming.version > current.version) return { newer: true };
    return incoming.version === current.version
      ? { newer: false, code: 'SAME_VERSION', message: `version ${incoming.version} is already the current version` }
      : { newer: false, code: 'OLDER_VERSION', message: `version ${incoming.version} is older than the current version ${current.version}` };
  }
  const a = incoming.timestamp.getTime();
  const b = current.timestamp.getTime();
  if (a > b) return { newer: true };
  return a === b
    ? { newer: false, code: 'SAME_TIMESTAMP', message: `a change at ${incoming.timestamp.toISOString()} is already the current state` }
    : {
        newer: false,
        code: 'OLDER_TIMESTAMP',
        message: `the change at ${incoming.timestamp.toISOString()} is older than the current state of ${current.timestamp.toISOString()}`,
      };
}

/** A stored version text as a number, when it is a whole number (the provincial PhienBan is). */
export function versionNumber(text: string | null | undefined): number | null {
  if (text === null || text === undefined || !/^\d{1,15}$/.test(text)) return null;
  return Number(text);
}
