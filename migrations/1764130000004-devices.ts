import { MigrationInterface, QueryRunner } from 'typeorm';

/** devices and session tokens (issue 6). */
export class Devices1764130000004 implements MigrationInterface {
  name = 'Devices1764130000004';

  async up(_q: QueryRunner): Promise<void> {
    // filled in by its issue
  }

  async down(_q: QueryRunner): Promise<void> {}
}
