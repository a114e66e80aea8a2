// graphql-codegen plugin: the persisted-operations manifest the hub accepts in production.
// Each operation of operations/*.graphql is printed with the fragments it uses and keyed by the
// sha256 of that text; clients send the hash as `extensions.persistedQuery.sha256Hash` (or the
// full text, which must hash to a manifest entry).
const { createHash } = require('node:crypto');
const { Kind, print, visit } = require('graphql');

module.exports = {
  plugin(_schema, documents) {
    const fragments = new Map();
    for (const { document } of documents) {
      for (const def of document?.definitions ?? []) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const manifest = {};
    for (const { document } of documents) {
      for (const def of document?.definitions ?? []) {
        if (def.kind !== Kind.OPERATION_DEFINITION) continue;
        const used = new Map();
        const collect = (node) =>
          visit(node, {
            FragmentSpread(spread) {
              const name = spread.name.value;
              const fragment = fragments.get(name);
              if (fragment && !used.has(name)) {
                used.set(name, fragment);
                collect(fragment);
              }
            },
          });
        collect(def);
        const text = [def, ...[...used.values()].sort((a, b) => a.name.value.localeCompare(b.name.value))].map(print).join('\n\n');
        manifest[createHash('sha256').update(text).digest('hex')] = { name: def.name?.value ?? null, body: text };
      }
    }
    const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
    return `${JSON.stringify(sorted, null, 2)}\n`;
  },
};
