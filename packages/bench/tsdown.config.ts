import { packageBuild } from "../../tsdown.base.ts";

// Node 24: the bench runs its sources with Node's type stripping and needs no older target.
export default packageBuild(["src/index.ts"], { target: "node24" });
