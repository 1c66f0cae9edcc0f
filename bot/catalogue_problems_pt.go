package bot

// Os problemas do runbook e as outras mensagens do domínio (códigos de
// runbook.Msg: detalhes do pre-flight, motivos dos tickets, linhas somadas à
// saída de uma execução), num bloco próprio: juntadas ao cataloguePT quando o
// pacote inicia.
var msgPT = catalogue{
	"text":         "{text}",
	"problem.line": "{file}:{line}: {text}",

	"problem.no_schedule":           "nenhuma tabela de agenda encontrada (esperada uma tabela com as colunas {columns})",
	"problem.schedule_empty":        "a tabela de agenda não tem linhas",
	"problem.column_missing":        "falta a coluna “{column}” na tabela de agenda",
	"problem.column_missing_or":     "falta a coluna “{column}” (ou “{other}”) na tabela de agenda",
	"problem.job_duplicate":         "job “{job}” repetido (já definido na linha {line}; o id do job é o nome do arquivo do script, sem a extensão)",
	"problem.window_empty":          "janela vazia (esperado <dia> HH:MM [fuso], p. ex. “Segunda-feira 09:00” ou “Diária 05:00 UTC”)",
	"problem.window_no_time":        "a janela “{window}” não tem horário (esperado <dia> HH:MM [fuso], p. ex. “Segunda-feira 09:00” ou “Diária 05:00 UTC”)",
	"problem.window_no_day":         "a janela “{window}” não tem dia (esperado <dia> HH:MM [fuso], p. ex. “Segunda-feira 09:00” ou “Diária 05:00 UTC”)",
	"problem.window_extra":          "texto inesperado “{text}” depois do horário da janela (esperado <dia> HH:MM [fuso], p. ex. “Segunda-feira 09:00” ou “Diária 05:00 UTC”)",
	"problem.weekday_unknown":       "dia da semana desconhecido “{day}” (esperado Segunda-feira…Domingo, Diária, Monday…Sunday ou Daily)",
	"problem.time_invalid":          "horário inválido “{time}” (esperado HH:MM entre 00:00 e 23:59)",
	"problem.zone_unknown":          "fuso horário desconhecido “{zone}” (esperado UTC, UTC±H[:MM] ou um nome IANA como America/Sao_Paulo)",
	"problem.frequency_unknown":     "frequência desconhecida “{frequency}” (esperado Semanal, Diária, Weekly ou Daily)",
	"problem.frequency_needs_day":   "a frequência “{frequency}” pede uma janela num dia da semana, mas a janela é diária",
	"problem.frequency_needs_daily": "a frequência “{frequency}” pede uma janela diária (Diária/Daily), mas a janela é “{window}”",
	"problem.script_cell_empty":     "célula de script vazia (esperado um comando entre crases, p. ex. `scripts/infra/reset-staging.sh`)",
	"problem.script_not_backticked": "o script “{script}” não está entre crases (esperado um comando entre crases, p. ex. `scripts/infra/reset-staging.sh`)",
	"problem.script_many":           "a célula de script tem {n} comandos entre crases (esperado exatamente um)",
	"problem.script_empty":          "comando de script vazio (esperado um comando entre crases, p. ex. `scripts/infra/reset-staging.sh`)",
	"problem.script_mode_twice":     "o script “{script}” já tem --mode; tire “({mode})” ou a opção",
	"problem.script_no_name":        "o script “{script}” não tem um nome de arquivo de onde tirar o id do job",
	"problem.primary_empty":         "responsável principal em branco (esperado “Equipe (Pessoa)” ou “Pessoa”)",
	"problem.backup_empty":          "backup em branco (esperado “Equipe (Pessoa)” ou “Pessoa”)",
	"problem.primary_unclear":       "não foi possível entender o responsável principal “{owner}” (esperado “Equipe (Pessoa)” ou “Pessoa”)",
	"problem.backup_unclear":        "não foi possível entender o backup “{owner}” (esperado “Equipe (Pessoa)” ou “Pessoa”)",
	"problem.contact_no_name":       "contato sem nome (Slack “{slack}”)",
	"problem.contact_duplicate":     "contato “{name}” repetido (já na linha {line})",
	"problem.contact_invalid":       "contato do Slack inválido “{value}” para “{name}” (esperado um ID de usuário U…/W…, um ID de grupo de usuários S… ou um e-mail)",
	"problem.no_contacts_table":     "nenhuma tabela de contatos (acrescente uma tabela {table} com as colunas Nome/Name e Slack para {names})",
	"problem.no_contact":            "nenhum contato para “{name}” (acrescente-o à tabela {table})",
	"problem.incident_channel":      "canal de incidente inválido “{channel}” (esperado o nome de um canal do Slack, como #infra-incident)",
	"problem.deadline_zero":         "o prazo do incidente “{value}” precisa ser maior que zero",
	"problem.threshold_zero":        "o limite de atraso “{value}” precisa ser maior que zero",
	"problem.lead_zero":             "a antecedência da confirmação “{value}” precisa ser maior que zero",
	"problem.freeze_columns":        "falta(m) a(s) coluna(s) {missing} na tabela de congelamentos (esperado Início | Fim | Motivo, ou Start | End | Reason)",
	"problem.freeze_no_reason":      "congelamento sem motivo (Motivo/Reason)",
	"problem.freeze_ends_before":    "o congelamento termina ({end}) antes de começar ({start})",
	"problem.freeze_start_not_time": "o início do congelamento “{value}” não é uma data e hora (esperado AAAA-MM-DD HH:MM, seguido ou não de um fuso como UTC ou America/Sao_Paulo)",
	"problem.freeze_end_not_time":   "o fim do congelamento “{value}” não é uma data e hora (esperado AAAA-MM-DD HH:MM, seguido ou não de um fuso como UTC ou America/Sao_Paulo)",
	"problem.freeze_start_zone":     "fuso horário desconhecido “{zone}” no início do congelamento (esperado UTC, UTC±H[:MM] ou um nome IANA como America/Sao_Paulo)",
	"problem.freeze_end_zone":       "fuso horário desconhecido “{zone}” no fim do congelamento (esperado UTC, UTC±H[:MM] ou um nome IANA como America/Sao_Paulo)",
	"problem.not_in_commit":         "não encontrado no commit {commit}",
}

func init() {
	for _, c := range []catalogue{msgPT, preflightPT, ticketsRunPT} {
		for k, v := range c {
			cataloguePT[k] = v
		}
	}
}

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
	"preflight.manual":            "a ser marcado por quem aprova",
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
	"ticket.repo_form":         "{var} precisa estar na forma dono/nome",
	"ticket.unreachable":       "{service} inacessível: {error}",
	"ticket.timeout":           "{service} inacessível: tempo esgotado",

	"run.dry_in_progress": "uma simulação (dry run) de {job} estava em andamento",
	"run.no_executor":     "sem executor: este bot não pode rodar scripts",
	"run.empty_command":   "comando vazio",
	"run.start_failed":    "não foi possível iniciar o script: {error}",
	"run.log_file":        "não foi possível criar o log da execução: {error}",
	"run.orphans_killed":  "os processos deixados pela execução interrompida foram encerrados",
	"run.no_replica":      "runbook-bot: nenhuma réplica é dona desta execução",
	"run.replica_silent":  "runbook-bot: a réplica {replica} nunca informou que esta execução estava viva",
	"run.replica_last":    "runbook-bot: a réplica {replica} informou por último que esta execução estava viva em {at}",
	"run.simulated":       "falha simulada (--fail {job})",
}
