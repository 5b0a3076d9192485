/**
 * Every problem code the server can answer with, read from src/ by the TypeScript syntax tree: the
 * code argument of `new DomainError(reason, code, …)`, of the failure helpers (`invalid`,
 * `notFound`, `conflict`, `unauthenticated`, `rateLimited`: first; `forbidden`: third, else
 * `forbidden`) and of `oauthError(reason, code, …)`, plus the codes the HTTP layer names in its table
 * of titles. Codes that are not a string literal where they are raised are returned apart, so a
 * test can insist that there are none it does not know of.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { files } from './sourceLiterals.ts';

const FIRST = new Set(['invalid', 'notFound', 'conflict', 'unauthenticated', 'rateLimited']);

export function problemCodes(src: string): { codes: Set<string>; dynamic: string[] } {
  const codes = new Set<string>(['forbidden']);
  const dynamic: string[] = [];
  for (const file of files(src, (name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const take = (argument: ts.Expression | undefined, where: ts.Node) => {
      if (!argument) return;
      if (ts.isStringLiteral(argument) || ts.isNoSubstitutionTemplateLiteral(argument)) codes.add(argument.text);
      else if (ts.isConditionalExpression(argument)) {
        take(argument.whenTrue, where);
        take(argument.whenFalse, where);
      } else dynamic.push(`${file.slice(src.length)}:${source.getLineAndCharacterOfPosition(where.getStart()).line + 1} ${argument.getText(source)}`);
    };
    const visit = (node: ts.Node) => {
      // The HTTP layer's table of titles names the codes it raises from its own tables (edge checks, outbound URLs).
      if (ts.isVariableDeclaration(node) && node.name.getText(source) === 'TITLES' && node.initializer && ts.isObjectLiteralExpression(node.initializer)) {
        for (const property of node.initializer.properties) if (property.name) codes.add(property.name.getText(source).replace(/^'|'$/g, ''));
      }
      if (ts.isNewExpression(node) && node.expression.getText(source) === 'DomainError') take(node.arguments?.[1], node);
      else if (ts.isCallExpression(node)) {
        const callee = node.expression.getText(source);
        if (FIRST.has(callee)) take(node.arguments[0], node);
        else if (callee === 'forbidden' && node.arguments.length > 2) take(node.arguments[2], node);
        else if (callee === 'oauthError') take(node.arguments[1], node);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { codes, dynamic };
}
