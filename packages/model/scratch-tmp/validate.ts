import { loadRecipe } from "@lathe/recipe";
for (const f of ["brown-gpt", "brown-lstm", "tiny"]) {
  try { const r = await loadRecipe(`/work/main/recipes/${f}.yaml`); console.log(f, "ok", JSON.stringify(r.recipe.model), JSON.stringify(r.recipe.train).slice(0, 200)); }
  catch (e) { console.log(f, "ERR", (e as Error).message); }
}
