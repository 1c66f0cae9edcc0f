package bot

// Os problemas do runbook (códigos de runbook.Msg) e o texto mostrado como foi
// escrito, num bloco próprio: juntados ao cataloguePT quando o pacote inicia.
// Detalhes do pre-flight, motivos dos tickets e notas das execuções estão em
// catalogue_checks_pt.go.
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
	"problem.freeze_columns":        "a tabela de congelamentos não tem a(s) coluna(s) {missing} (esperado Início | Fim | Motivo, ou Start | End | Reason)",
	"problem.freeze_no_reason":      "congelamento sem motivo (Motivo/Reason)",
	"problem.freeze_ends_before":    "o congelamento termina ({end}) antes de começar ({start})",
	"problem.freeze_start_not_time": "o início do congelamento “{value}” não é uma data e hora (esperado AAAA-MM-DD HH:MM, seguido ou não de um fuso como UTC ou America/Sao_Paulo)",
	"problem.freeze_end_not_time":   "o fim do congelamento “{value}” não é uma data e hora (esperado AAAA-MM-DD HH:MM, seguido ou não de um fuso como UTC ou America/Sao_Paulo)",
	"problem.freeze_start_zone":     "fuso horário desconhecido “{zone}” no início do congelamento (esperado UTC, UTC±H[:MM] ou um nome IANA como America/Sao_Paulo)",
	"problem.freeze_end_zone":       "fuso horário desconhecido “{zone}” no fim do congelamento (esperado UTC, UTC±H[:MM] ou um nome IANA como America/Sao_Paulo)",
	"problem.not_in_commit":         "não encontrado no commit {commit}",
}

func init() {
	for k, v := range msgPT {
		cataloguePT[k] = v
	}
}
