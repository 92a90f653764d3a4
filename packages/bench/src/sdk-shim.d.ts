// The SDK's modern ESM build has no types of its own (the package has no exports map); it is the same API.
declare module "@openim/client-sdk/lib/index.modern.mjs" {
  export * from "@openim/client-sdk";
}
