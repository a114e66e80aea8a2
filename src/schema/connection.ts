import type { PageInfo } from './page-info.type.js';

/** Edges and page information of a Relay connection, from one page of nodes already mapped. */
export function connectionOf<N>(
  edges: Array<{ cursor: string; node: N }>,
  hasNextPage: boolean,
  hasPreviousPage: boolean,
): { edges: Array<{ cursor: string; node: N }>; pageInfo: PageInfo } {
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
