import { MigrationInterface, QueryRunner } from 'typeorm';

/** identities, relationship templates and share tokens (issue 7). */
export class Templates1764130000005 implements MigrationInterface {
  name = 'Templates1764130000005';

  async up(_q: QueryRunner): Promise<void> {
    // filled in by its issue
  }

  async down(_q: QueryRunner): Promise<void> {}
}
