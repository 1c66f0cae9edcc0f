package bot

// Detalhes das verificações do pre-flight (runbook.CheckResult.Detail).
var preflightPT = catalogue{
	"preflight.no_variable":       "nenhuma variável indicada",
	"preflight.not_set":           "não definida",
	"preflight.empty":             "vazia",
	"preflight.set":               "definida",
	"preflight.no_tool":           "nenhuma ferramenta indicada",
	"preflight.tool_version":      "{tool}: {version}",
	"preflight.tool_path":         "{tool}: {path}",
	"preflight.tool_missing":      "{tool} não está no PATH",
	"preflight.tools_missing":     "nenhuma destas ferramentas está no PATH: {tools}",
	"preflight.no_path":           "nenhum caminho indicado",
	"preflight.path_absolute":     "caminho absoluto: precisa ser relativo ao diretório de trabalho",
	"preflight.path_escapes":      "sai do diretório de trabalho",
	"preflight.workdir_no_access": "diretório de trabalho inacessível",
	"preflight.path_not_found":    "não encontrado no diretório de trabalho",
	"preflight.path_no_access":    "inacessível",
	"preflight.not_a_directory":   "não é um diretório",
	"preflight.directory_exists":  "o diretório existe",
	"preflight.exists":            "existe",
	"preflight.manual":            "a ser marcado por quem confirma",
	"preflight.unknown_kind":      "tipo de verificação desconhecido {kind}",
}

// Por que os tickets estão indisponíveis (runbook.TicketReport.Unavailable), o
// status de um ticket quando o rastreador usa uma palavra fixa, e as linhas que o
// bot acrescenta à saída de uma execução.
var ticketsRunPT = catalogue{
	"tickets.status.open":      "aberto",
	"ticket.cancelled":         "consulta cancelada",
	"ticket.timed_out":         "sem resposta após {timeout}",
	"ticket.failed":            "a fonte de tickets falhou",
	"ticket.error":             "{error}",
	"ticket.request":           "não foi possível montar a requisição ao {service}",
	"ticket.unreadable":        "o {service} respondeu com algo ilegível",
	"ticket.unauthorized":      "o {service} respondeu 401 (confira {vars})",
	"ticket.rate_limited":      "limite de requisições do {service} atingido",
	"ticket.limited_until":     "limite de requisições do {service} atingido até {until} UTC",
	"ticket.forbidden_gh":      "o GitHub respondeu 403 (o token talvez não possa ler as issues de {repo})",
	"ticket.forbidden_jira":    "o Jira respondeu 403 (o usuário não tem a permissão Browse projects)",
	"ticket.not_found_gh":      "o GitHub respondeu 404: repositório inexistente ou invisível para o token",
	"ticket.not_found_jira":    "o Jira respondeu 404 (confira {var})",
	"ticket.status":            "o {service} respondeu {status}",
	"ticket.status_text":       "o {service} respondeu {status}: {text}",
	"ticket.jql_rejected":      "o Jira recusou a consulta (confira RUNBOOK_JIRA_JQL)",
	"ticket.jql_rejected_text": "o Jira recusou a consulta (confira RUNBOOK_JIRA_JQL): {text}",
	"ticket.other_host":        "a paginação do {service} apontou para outro servidor",
	"ticket.bad_url":           "{var} precisa ser uma URL http(s)",
	"ticket.repo_form":         "{var} precisa estar na forma proprietário/repositório",
	"ticket.unreachable":       "{service} inacessível: {error}",
	"ticket.timeout":           "{service} inacessível: tempo esgotado",

	"run.dry_in_progress": "uma simulação de {job} estava em andamento",
	"run.no_executor":     "sem executor: este bot não pode executar scripts",
	"run.busy":            "já há uma execução deste job em andamento",
	"run.empty_command":   "comando vazio",
	"run.start_failed":    "não foi possível iniciar o script: {error}",
	"run.log_file":        "não foi possível criar o log da execução: {error}",
	"run.orphans_killed":  "os processos deixados pela execução interrompida foram encerrados",
	"run.no_replica":      "runbook-bot: nenhuma réplica é dona desta execução",
	"run.replica_silent":  "runbook-bot: a réplica {replica} nunca informou que esta execução estava viva",
	"run.replica_last":    "runbook-bot: a réplica {replica} informou por último que esta execução estava viva em {at}",
	"run.simulated":       "falha simulada (--fail {job})",
}

func init() {
	for _, c := range []catalogue{preflightPT, ticketsRunPT} {
		for k, v := range c {
			cataloguePT[k] = v
		}
	}
}
