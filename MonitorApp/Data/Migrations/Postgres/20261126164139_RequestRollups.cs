using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace MonitorApp.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RequestRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "request_rollups",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    service = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    minute = table.Column<long>(type: "bigint", nullable: false),
                    requests = table.Column<long>(type: "bigint", nullable: false),
                    errors_5xx = table.Column<long>(type: "bigint", nullable: false),
                    errors_4xx = table.Column<long>(type: "bigint", nullable: false),
                    le5 = table.Column<long>(type: "bigint", nullable: false),
                    le10 = table.Column<long>(type: "bigint", nullable: false),
                    le25 = table.Column<long>(type: "bigint", nullable: false),
                    le50 = table.Column<long>(type: "bigint", nullable: false),
                    le75 = table.Column<long>(type: "bigint", nullable: false),
                    le100 = table.Column<long>(type: "bigint", nullable: false),
                    le250 = table.Column<long>(type: "bigint", nullable: false),
                    le500 = table.Column<long>(type: "bigint", nullable: false),
                    le750 = table.Column<long>(type: "bigint", nullable: false),
                    le1000 = table.Column<long>(type: "bigint", nullable: false),
                    le2500 = table.Column<long>(type: "bigint", nullable: false),
                    le5000 = table.Column<long>(type: "bigint", nullable: false),
                    le7500 = table.Column<long>(type: "bigint", nullable: false),
                    le10000 = table.Column<long>(type: "bigint", nullable: false),
                    le_inf = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_request_rollups", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_request_rollups_minute_service",
                table: "request_rollups",
                columns: new[] { "minute", "service" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "request_rollups");
        }
    }
}
