package bot

// Term is one concept of the product's vocabulary: the word each catalogue uses
// for it, and the synonyms it must not use, so one thing has one name.
type Term struct {
	ID      string   // e.g. "dry_run"
	PT, EN  string   // the term in pt-BR and in English
	AvoidPT []string // words for the same concept the pt-BR catalogue must not use (lower case)
	AvoidEN []string // words for the same concept the English catalogue must not use (lower case)
}

// Glossary is the one vocabulary both catalogues follow (TestGlossary checks them).
var Glossary = []Term{
	{ID: "confirm", PT: "confirmar / confirmação", EN: "confirm / confirmation",
		AvoidPT: []string{"aprova", "aprovo", "aprovad", "aprovaç"}, AvoidEN: []string{"approv"}},
	{ID: "dry_run", PT: "simulação", EN: "dry run",
		AvoidPT: []string{"dry run", "dry-run"}, AvoidEN: []string{"dry-run", "simulated run"}},
	{ID: "non_zero_exit", PT: "código de saída diferente de zero", EN: "non-zero exit code",
		AvoidPT: []string{"saída diferente de zero"}, AvoidEN: []string{"non-zero exit"}},
	{ID: "preflight", PT: "verificação pré-execução", EN: "pre-flight",
		AvoidPT: []string{"pré-verificação", "preflight", "pre-flight"}, AvoidEN: []string{"preflight"}},
	{ID: "incident", PT: "incidente", EN: "incident", AvoidPT: []string{"ocorrido"}},
	{ID: "window", PT: "janela", EN: "window", AvoidPT: []string{"slot"}, AvoidEN: []string{"slot"}},
	{ID: "primary", PT: "responsável principal", EN: "primary",
		AvoidPT: []string{"dono", "titular", "responsável primário"}, AvoidEN: []string{"main owner"}},
	{ID: "backup", PT: "backup", EN: "backup", AvoidPT: []string{"substituto", "suplente"}},
	{ID: "reschedule", PT: "reagendar", EN: "reschedule", AvoidPT: []string{"remarca"}},
	{ID: "thread", PT: "a thread", EN: "thread", AvoidPT: []string{"o thread", "do thread", "no thread", "ao thread"}},
	{ID: "run", PT: "executar / execução", EN: "run", AvoidPT: []string{"rodar", "rodou"}},
	{ID: "freeze", PT: "congelamento", EN: "freeze", AvoidPT: []string{"bloqueio de mudanças"}},
	{ID: "timeout", PT: "tempo esgotado", EN: "timed out", AvoidPT: []string{"tempo limite excedido"}},
}
