import { MigrationInterface, QueryRunner } from 'typeorm';

/** user access tokens (issue 5). */
export class UserTokens1764130000003 implements MigrationInterface {
  name = 'UserTokens1764130000003';

  async up(_q: QueryRunner): Promise<void> {
    // filled in by its issue
  }

  async down(_q: QueryRunner): Promise<void> {}
}
