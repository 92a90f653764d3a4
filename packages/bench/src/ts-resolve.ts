// Lets Node's type stripping load TypeScript sources written for a bundler/tsc, whose relative imports
// name the emitted ".js" file: when such a ".js" does not exist next to a ".ts" importer, try ".ts".
import { registerHooks } from "node:module";

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      const fromTs = context.parentURL?.endsWith(".ts") ?? false;
      if (fromTs && specifier.startsWith(".") && specifier.endsWith(".js")) {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      }
      throw error;
    }
  },
});
