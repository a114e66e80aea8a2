import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

export interface QueryLimits {
  /** Deepest field nesting accepted. */
  maxDepth: number;
  /** Aliased fields accepted in one operation (aliases multiply work without multiplying size). */
  maxAliases: number;
  /** Largest estimated cost: each field costs 1, a list field multiplies its selection by its page size. */
  maxCost: number;
  /** Page size assumed for paged fields (with a `first` argument) when it is not a literal. */
  defaultPageSize: number;
  /** Items assumed for plain list fields (observations, registrations of a person…). */
  plainListSize: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxAliases: 30, maxCost: 100_000, defaultPageSize: 100, plainListSize: 10 };

/**
 * A validation rule that refuses hostile operations before any resolver runs: depth bombs,
 * alias floods and operations whose estimated cost (page sizes multiplied along each path,
 * through fragments) is too large. Fragment cycles are refused by GraphQL's NoFragmentCycles
 * rule; the walk here also stops at a fragment it is already inside.
 */
export function queryLimitRule(limits: QueryLimits = DEFAULT_QUERY_LIMITS): (context: ValidationContext) => ASTVisitor {
  return (context) => ({
    OperationDefinition(operation) {
      const schema = context.getSchema();
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const def of context.getDocument().definitions) {
        if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
      }
      let maxDepth = 0;
      let aliases = 0;
      const root =
        operation.operation === OperationTypeNode.MUTATION
          ? schema.getMutationType()
          : operation.operation === OperationTypeNode.SUBSCRIPTION
            ? schema.getSubscriptionType()
            : schema.getQueryType();

      const cost = (set: SelectionSetNode | undefined, type: GraphQLNamedType | null | undefined, depth: number, inside: ReadonlySet<string>): number => {
        if (!set) return 0;
        let total = 0;
        for (const selection of set.selections) {
          if (selection.kind === Kind.FIELD) {
            if (selection.alias) aliases += 1;
            maxDepth = Math.max(maxDepth, depth);
            const field = type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields()[selection.name.value] : undefined;
            const fieldType = field ? getNamedType(field.type) : null;
            const list = field ? isListType(getNullableType(field.type)) || getNamedType(field.type).name.endsWith('Connection') : false;
            const paged = field?.args.some((a) => a.name === 'first') ?? false;
            // A connection's page size is counted on the connection field; its edges are that page.
            const edgesOfPage = selection.name.value === 'edges' && (type?.name.endsWith('Connection') ?? false);
            const multiplier = !list || edgesOfPage ? 1 : paged ? pageSize(selection, limits.defaultPageSize) : limits.plainListSize;
            total += multiplier * (1 + cost(selection.selectionSet, fieldType, depth + 1, inside));
          } else if (selection.kind === Kind.INLINE_FRAGMENT) {
            const narrowed = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
            total += cost(selection.selectionSet, narrowed, depth, inside);
          } else {
            const name = selection.name.value;
            const fragment = fragments.get(name);
            if (!fragment || inside.has(name)) continue;
            total += cost(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value), depth, new Set([...inside, name]));
          }
        }
        return total;
      };

      const total = cost(operation.selectionSet, root, 1, new Set());
      if (maxDepth > limits.maxDepth) reject(context, `the operation is nested ${maxDepth} levels deep; at most ${limits.maxDepth} are allowed`, 'QUERY_TOO_DEEP');
      if (aliases > limits.maxAliases) reject(context, `the operation uses ${aliases} aliases; at most ${limits.maxAliases} are allowed`, 'TOO_MANY_ALIASES');
      if (total > limits.maxCost) reject(context, `the operation's estimated cost is ${total}; at most ${limits.maxCost} is allowed (ask for smaller pages)`, 'QUERY_TOO_COSTLY');
    },
  });
}

function reject(context: ValidationContext, message: string, code: string): void {
  context.reportError(new GraphQLError(message, { extensions: { code } }));
}

function pageSize(node: FieldNode, fallback: number): number {
  const arg = node.arguments?.find((a) => a.name.value === 'first');
  // A variable's value is not known while validating; the resolvers cap `first`, so the cap is assumed.
  if (arg?.value.kind === Kind.INT) return Math.max(1, Math.min(Number(arg.value.value), 1_000));
  return fallback;
}
