import { UnrecoverableError, type Job, type JobsOptions } from 'bullmq';
import type { z } from 'zod';

/**
 * One job: its queue, its name, the schema of its payload (checked when enqueued and again in
 * the worker), its default options and its handler. Payloads carry ids, never personal data.
 */
export interface JobDefinition<S extends z.ZodType, Deps, R = unknown> {
  queue: string;
  name: string;
  payload: S;
  options: JobsOptions;
  handler: (deps: Deps) => (data: z.output<S>, job: Job) => Promise<R>;
}

export function defineJob<S extends z.ZodType, Deps, R>(definition: JobDefinition<S, Deps, R>): JobDefinition<S, Deps, R> {
  return definition;
}

/** Parses a payload in the worker; a payload that does not parse can never succeed, so no retry. */
export function parsePayload<S extends z.ZodType>(definition: { name: string; payload: S }, data: unknown): z.output<S> {
  const parsed = definition.payload.safeParse(data);
  if (!parsed.success) {
    throw new UnrecoverableError(`${definition.name}: invalid payload: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  }
  return parsed.data;
}
