import { z } from 'zod';
import type { DocumentSyncService } from '../services/document-sync.service.js';
import { defineJob } from './job-definition.js';

export const SYNC_QUEUE = 'sync';

export const syncDocumentsJob = defineJob({
  queue: SYNC_QUEUE,
  name: 'sync-documents',
  payload: z.object({ provinceCode: z.string().regex(/^\d{2}$/) }),
  options: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { count: 500 },
    removeOnFail: { count: 1_000 },
  },
  handler: (deps: { documents: DocumentSyncService }) => async (data) => {
    const results = await deps.documents.syncProvince(data.provinceCode);
    return results.map((r) => ({ system: r.system, read: r.read, error: r.error?.code ?? null }));
  },
});
