/** One schema change; both databases have the same versions with the same names. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
