// Prepared statements cached by their SQL, for the small stores that sit beside the job store on
// the same connection (the account's spending and queue): each statement is compiled once.
import type { Db } from './connection';

export class PreparedStatements {
  private readonly statements = new Map<string, ReturnType<Db['prepare']>>();

  constructor(private readonly db: Db) {}

  get(sql: string): ReturnType<Db['prepare']> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
