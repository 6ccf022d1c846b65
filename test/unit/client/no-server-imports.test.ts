import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const clientDir = join(__dirname, '../../../src/client');

/** Every module specifier a file imports or re-exports, and whether only types come through it. */
function importsOf(file: string): { specifier: string; typeOnly: boolean }[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(node) ? Boolean(node.importClause?.isTypeOnly) : node.isTypeOnly;
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      found.push({ specifier: (node.arguments[0] as ts.StringLiteral).text, typeOnly: false });
    } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require') {
      found.push({ specifier: (node.arguments[0] as ts.StringLiteral).text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('tokengate/client dependencies', () => {
  it('when the client is loaded then it loads only its own modules: no server code, no package (fetch is global)', () => {
    const files = readdirSync(clientDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(clientDir, f));
    expect(files.length).toBeGreaterThan(5);
    const escapes = files.flatMap((file) => importsOf(file)
      .filter((i) => !i.typeOnly)
      .filter((i) => !i.specifier.startsWith('.') || relative(clientDir, resolve(dirname(file), i.specifier)).startsWith('..'))
      .map((i) => `${relative(clientDir, file)} imports ${i.specifier}`));
    expect(escapes).toEqual([]);
  });
});
