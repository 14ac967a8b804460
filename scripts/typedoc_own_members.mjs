/**
 * A TypeDoc plugin for docs/api.md: drop members a class inherits from outside the project (the ~300 HTMLElement
 * properties of <tastebud-recs>), so the page documents tastebud's own surface. Listed in typedoc.json.
 */
import { Converter, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const members = context.project.getReflectionsByKind(ReflectionKind.Property | ReflectionKind.Method | ReflectionKind.Accessor);
    for (const member of members) {
      if (member.inheritedFrom && !member.inheritedFrom.reflection) context.project.removeReflection(member);
    }
  });
}
