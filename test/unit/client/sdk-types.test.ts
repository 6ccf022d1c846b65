import { join } from 'node:path';
import ts from 'typescript';

/**
 * The SDK's types as a caller's compiler sees them: sdk-usage.typecheck.ts holds calls that
 * must compile and calls marked @ts-expect-error that must not (an unused one is an error too).
 */
describe('tokengate/client types', () => {
  it('when a caller compiles against the SDK then right calls pass and wrong params fail', () => {
    const root = join(__dirname, '../../..');
    const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), { noEmit: true }, {
      ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
    })!;
    const program = ts.createProgram([join(__dirname, 'sdk-usage.typecheck.ts')], config.options);
    const problems = ts.getPreEmitDiagnostics(program).map((d) =>
      `${d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).toEqual([]);
  });
});
