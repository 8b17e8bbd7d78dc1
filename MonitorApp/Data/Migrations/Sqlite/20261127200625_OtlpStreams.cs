using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MonitorApp.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OtlpStreams : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "otlp_streams",
                columns: table => new
                {
                    key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    start_nanos = table.Column<long>(type: "INTEGER", nullable: false),
                    time_nanos = table.Column<long>(type: "INTEGER", nullable: false),
                    counts = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_otlp_streams", x => x.key);
                });

            migrationBuilder.CreateIndex(
                name: "ix_otlp_streams_updated_at",
                table: "otlp_streams",
                column: "updated_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "otlp_streams");
        }
    }
}
