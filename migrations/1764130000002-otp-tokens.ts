import { MigrationInterface, QueryRunner } from 'typeorm';

/** OTP tokens, assignments, download links (issue 3). */
export class OtpTokens1764130000002 implements MigrationInterface {
  name = 'OtpTokens1764130000002';

  async up(_q: QueryRunner): Promise<void> {
    // filled in by its issue
  }

  async down(_q: QueryRunner): Promise<void> {}
}
