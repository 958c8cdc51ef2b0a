/** esbuild bundles the stylesheet that main.tsx imports into the build's one CSS file. */
declare module "*.css";
