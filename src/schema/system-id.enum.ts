import { registerEnumType } from 'type-graphql';
import { SYSTEM_IDS, type SystemId } from '../connectors/system-id.js';

/** GraphQL names cannot contain '-', so the enum uses upper snake case of the system ids. */
export const SystemEnum = Object.fromEntries(SYSTEM_IDS.map((id) => [toEnumName(id), toEnumName(id)])) as Record<string, string>;

export function toEnumName(id: SystemId): string {
  return id.toUpperCase().replace(/-/g, '_');
}

export function fromEnumName(name: string): SystemId | null {
  const id = name.toLowerCase().replace(/_/g, '-');
  return (SYSTEM_IDS as readonly string[]).includes(id) ? (id as SystemId) : null;
}

registerEnumType(SystemEnum, { name: 'AgencySystem', description: 'An agency system connected to the hub.' });
