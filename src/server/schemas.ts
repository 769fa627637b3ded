/** JSON schema for integer path parameters, e.g. `idParams('contestId', 'entryId')`: bad ids get 400, not a query. */
export function idParams(...names: string[]) {
  return {
    type: 'object',
    properties: Object.fromEntries(names.map((n) => [n, { type: 'integer', minimum: 1 }])),
    required: names,
  } as const;
}

/** Path parameters as the schema above delivers them. */
export type Ids<K extends string> = Record<K, number>;
