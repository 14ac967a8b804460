// Vite's `?url` imports (the build emits the file and the import is its URL), used for the wasm binaries.
declare module '*?url' {
  const url: string;
  export default url;
}
